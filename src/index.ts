export * from './distributor-package';
export * from './targeting';
export * from './configure-package';
export * from './monitoring';
export * from './association';
export * from './one-time-install';
export * from './organization';
export * from './fleet-dashboard';
