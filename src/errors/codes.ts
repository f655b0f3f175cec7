// The catalogue of every BerthError code: what it means and the default remedy.
// docs/errors.md documents each one; test/unit/error-catalogue.test.ts keeps the two in sync.
export const errorCatalogue = {
  ERR_CONFIG_INVALID: { status: 500, remedy: 'Fix each listed setting in the config file, then start berth again.' },
  ERR_CONFIG_UNREADABLE: { status: 500, remedy: 'Make the config file valid JSON, or remove it to use the defaults.' },
  ERR_PORT_IN_USE: { status: 409, remedy: 'Stop the process holding the port, or give berth another port in its config.' },
  ERR_SLOT_UNKNOWN: { status: 404, remedy: 'Use one of the slot names shown by `berth status`.' },
  ERR_SLOT_EMPTY: { status: 409, remedy: 'Deploy into the slot first: `berth deploy <slot> --path <folder>`.' },
  ERR_DEPLOY_SOURCE_MISSING: { status: 400, remedy: 'Give the path of an existing folder that holds the app.' },
  ERR_DEPLOY_SOURCE_UNRECOGNISED: { status: 400, remedy: 'Add a package.json with a `start` script (or a server.js/index.js), or an index.html for a static site.' },
  ERR_DEPLOY_START_FAILED: { status: 502, remedy: 'Read the stderr lines shown, fix the app, then deploy again. The previous release keeps serving.' },
  ERR_DEPLOY_HEALTH_TIMEOUT: { status: 504, remedy: 'Make the app listen on the port given in $PORT and answer HTTP on the health path, or raise the health timeout.' },
  ERR_RELEASE_UNKNOWN: { status: 404, remedy: 'Use a release number shown by `berth releases <slot>`.' },
  ERR_ENV_INVALID: { status: 400, remedy: 'Use KEY=VALUE with a KEY of letters, digits and underscores that does not start with a digit.' },
  ERR_ENV_RESERVED: { status: 400, remedy: 'berth sets this variable itself; choose another name.' },
  ERR_SHUTTING_DOWN: { status: 503, remedy: 'berth is stopping; run the command again once it is back up.' },
  ERR_AUTH_REQUIRED: { status: 401, remedy: 'Use the berth CLI on the machine running the daemon; it reads the token from BERTH_HOME.' },
  ERR_BAD_REQUEST: { status: 400, remedy: 'Fix the listed fields of the request and send it again.' },
  ERR_NOT_FOUND: { status: 404, remedy: 'Check the address; the API lives under /api/v1.' },
  ERR_DAEMON_UNREACHABLE: { status: 503, remedy: 'Start berth with `npm start` (or `berth up`) and check BERTH_HOME points at the same folder.' },
  ERR_INTERNAL: { status: 500, remedy: 'This is a bug in berth: report it with the daemon log (BERTH_HOME/logs/daemon.log).' },
} as const satisfies Record<string, { status: number; remedy: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
