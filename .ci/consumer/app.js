// A plain JavaScript app of a user who installed the packed tarball: no types, as a JavaScript caller has none.
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const distributor = require('cdk-ssm-distributor');

const app = new App();
const stack = new Stack(app, 'ConsumerJs');

const agent = new distributor.DistributorPackage(stack, 'Agent', {
  packageName: 'ConsumerAgentJs',
  version: '1.0.0',
  targets: [{ platform: distributor.PackagePlatform.UBUNTU, platformVersion: '22.04', file: distributor.PackageFile.fromDirectory(path.join(__dirname, 'agent')) }],
});
new distributor.DistributorPackageAssociation(stack, 'KeepAgent', {
  distributorPackage: agent,
  targets: distributor.InstanceTargets.tagKeys(['inventory']),
  schedule: distributor.AssociationSchedule.cron({ hour: '3', weekDay: 'SUN' }),
});
new distributor.OneTimeInstall(stack, 'Now', {
  distributorPackage: agent,
  targets: distributor.InstanceTargets.tags({ Role: ['web'] }),
  action: distributor.PackageAction.INSTALL,
});

// An enum value that TypeScript would have refused is refused at synth, naming the construct.
const other = new Stack(new App({ autoSynth: false }), 'Refused');
try {
  new distributor.DistributorPackageAssociation(other, 'Typo', {
    distributorPackage: distributor.DistributorPackage.fromPackageName(other, 'Agent', 'ConsumerAgentJs'),
    targets: distributor.InstanceTargets.tagKeys(['inventory']),
    action: 'Reinstall',
  });
  throw new Error('an unknown action was accepted');
} catch (error) {
  if (!String(error.message).startsWith("Refused/Typo: action must be one of 'Install', 'Uninstall', got 'Reinstall'")) {
    throw error;
  }
}

app.synth();
