/** The SSM document that installs and uninstalls Distributor packages (no imports: the handlers bundle it). */
export const CONFIGURE_PACKAGE_DOCUMENT = 'AWS-ConfigureAWSPackage';
