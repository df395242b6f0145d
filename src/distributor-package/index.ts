export * from './distributor-package';
export * from './distributor-package-props';
export * from './package-file';
export * from './package-target';
export * from './install-plan-entry';
