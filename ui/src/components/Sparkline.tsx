// A tiny inline chart of recent samples (CPU or memory), with the latest value as its accessible name.
export function Sparkline({ values, max, label }: { values: number[]; max?: number; label: string }) {
  const width = 80;
  const height = 20;
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const points = values.map((value, index) => `${values.length === 1 ? width : (index / (values.length - 1)) * width},${height - (value / top) * (height - 2) - 1}`).join(' ');
  return (
    <svg className="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      {values.length > 0 && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />}
    </svg>
  );
}
