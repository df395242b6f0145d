export * from './association-compliance';
export * from './association-schedule';
export * from './package-association';
export * from './package-association-props';
