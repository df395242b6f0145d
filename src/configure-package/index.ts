export * from './configure-package';
