import { customInventoryViolations } from './custom-inventory-rules';

/** The validator the collectors are judged by, itself judged by the user guide's own examples and counter-examples. */
const judge = (item: unknown, fileName = 'report.json') => customInventoryViolations(fileName, Buffer.from(JSON.stringify(item)));

test.each([
  ['one entry (user guide: Custom:RackInformation)', {
    SchemaVersion: '1.0',
    TypeName: 'Custom:RackInformation',
    Content: { Location: 'US-EAST-02.CMH.RACK1', InstalledTime: '2016-01-01T01:01:01Z', vendor: 'DELL', Zone: 'BJS12', TimeZone: 'UTC-8' },
  }],
  ['several entries (user guide: Custom:PuppetModuleInfo)', {
    SchemaVersion: '1.0',
    TypeName: 'Custom:PuppetModuleInfo',
    Content: [{ Name: 'puppetlabs/aws', Version: '1.0' }, { Name: 'puppetlabs/dsc', Version: '2.0' }],
  }],
  ['no entries', { SchemaVersion: '1.0', TypeName: 'Custom:DistributorPackage', Content: [] }],
])('the documented %s passes', (_, item) => {
  expect(judge(item)).toEqual([]);
});

test.each([
  ['CUSTOM:RackInformation (user guide)', { TypeName: 'CUSTOM:RackInformation' }, /TypeName must fit InventoryItemTypeName/],
  ['custom:rackinformation (user guide)', { TypeName: 'custom:rackinformation' }, /TypeName must fit InventoryItemTypeName/],
  ['a lower-case name after Custom:', { TypeName: 'Custom:rack' }, /capital letter/],
  ['an AWS type', { TypeName: 'AWS:Application' }, /must start with Custom:/],
  ['a type name of 101 characters', { TypeName: `Custom:${'A'.repeat(94)}` }, /TypeName must fit/],
  ['no schema version', { SchemaVersion: undefined }, /SchemaVersion must fit/],
  ['a schema version of one number', { SchemaVersion: '1' }, /SchemaVersion must fit/],
  ['a number value', { Content: [{ Name: 'a', Version: 1 }] }, /Content\[0\]\.Version must be a string/],
  ['a nested value', { Content: [{ Name: { first: 'a' } }] }, /must be a string/],
  ['a null value', { Content: [{ Name: null }] }, /must be a string/],
  ['an entry that is not an object', { Content: ['a'] }, /Content\[0\] must be an object/],
  ['Content that is a string', { Content: 'a' }, /Content must be an object or an array/],
  ['an attribute name of 65 characters', { Content: [{ ['A'.repeat(65)]: 'a' }] }, /attribute names must be 1 to 64/],
  ['an empty attribute name', { Content: [{ '': 'a' }] }, /attribute names must be 1 to 64/],
  ['a value of 4097 characters', { Content: [{ Name: 'a'.repeat(4097) }] }, /must be at most 4096/],
  ['51 attributes', { Content: [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`A${i}`, 'a']))] }, /at most 50 attributes/],
  ['10001 entries', { Content: Array.from({ length: 10001 }, () => ({ Name: 'a' })) }, /at most 10000 entries/],
  ['one attribute in two cases', { Content: [{ Vendor: 'DELL' }, { vendor: 'DELL' }] }, /one case everywhere/],
])('%s is refused', (_, change, rule) => {
  const item = { SchemaVersion: '1.0', TypeName: 'Custom:DistributorPackage', Content: [{ Name: 'a' }], ...change };
  expect(judge(item).join('\n')).toMatch(rule);
});

test('a file without .json is never read by the gatherer', () => {
  expect(judge({ SchemaVersion: '1.0', TypeName: 'Custom:A', Content: [] }, 'report.json.partial'))
    .toEqual(['the file name must end in .json, got report.json.partial']);
});

test('a byte order mark, or text that is not JSON, is refused', () => {
  const item = Buffer.from(JSON.stringify({ SchemaVersion: '1.0', TypeName: 'Custom:A', Content: [] }));
  expect(customInventoryViolations('a.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), item])))
    .toEqual(['the file must not start with a byte order mark (json.Unmarshal refuses it)']);
  expect(customInventoryViolations('a.json', Buffer.from('{"SchemaVersion":"1.0",')).join()).toMatch(/the file must be JSON/);
  expect(customInventoryViolations('a.json', Buffer.from('[]'))).toEqual(['the file must hold one JSON object']);
});
