export * from './command-notifications';
export * from './one-time-install';
export * from './one-time-install-props';
