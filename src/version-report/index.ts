export * from './inventory-collection';
export * from './package-version-report';
