// Exit codes shared by the daemon and its watchdog.
/** The daemon cannot run as configured (bad config, port taken): restarting it would not help. */
export const EXIT_CONFIG = 78;
