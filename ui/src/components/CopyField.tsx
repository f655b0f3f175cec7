// A labelled value with a copy button (the shown text may differ from what is copied, e.g. masked).
export function CopyField({ label, value, shown }: { label: string; value: string; shown?: string }) {
  return (
    <div className="copy-field">
      <span className="label">{label}</span>
      <code>{shown ?? value}</code>
      <button type="button" className="ghost" aria-label={`Copy ${label}`} onClick={() => void navigator.clipboard?.writeText(value)}>
        Copy
      </button>
    </div>
  );
}
