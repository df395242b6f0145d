export * from './distributor-package';
export * from './package-file';
export * from './package-target';
