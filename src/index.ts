export * from './association-compliance';
export * from './association-schedule';
export * from './configure-package';
export * from './distributor-package';
export * from './instance-targets';
export * from './one-time-install';
export * from './package-association';
export * from './rate-control';
