import * as fs from 'fs';
import * as path from 'path';
import { ModelShape } from '../../src/private/aws-api-model';
import { modelRegExp } from '../../src/private/validation';

/**
 * A custom inventory file judged by the rules AWS documents and the agent applies, none of them ours:
 * - the user guide, "Working with custom inventory": `SchemaVersion`, `TypeName` and `Content` are required; the type
 *   name has at most 100 characters, starts with `Custom:`, and both `Custom` and the name after it start with a
 *   capital letter; the file ends in `.json`; an attribute is written with the same case everywhere;
 * - SSM's API model, pinned in test/oracles/aws-models.json from botocore (what `PutInventory` takes, which the agent
 *   calls with the file's content): `InventoryItemTypeName`, `InventoryItemSchemaVersion`, `InventoryItemEntryList`,
 *   `InventoryItemEntry` (attributes an entry), `AttributeName`, `AttributeValue`;
 * - the agent's custom gatherer (amazon-ssm-agent `agent/plugins/inventory/gatherers/custom/customGatherer.go`):
 *   `getFilePaths` (the `.json` extension), `convertToItem` (Go's `json.Unmarshal` of the raw bytes: strict JSON, no
 *   byte order mark), `validateTypeName`, `validateSchemaVersion`, `validateContentEntrySchema` (an object or an array of
 *   objects) and `validateContentEntryAttributes` (string values only; its limits count bytes, Go's `len`).
 *
 * Returns the rules the file breaks; none for a file the agent would upload.
 */
export function customInventoryViolations(fileName: string, bytes: Buffer): string[] {
  const broken: string[] = [];
  if (path.extname(fileName) !== '.json') {
    broken.push(`the file name must end in .json, got ${fileName}`);
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return [...broken, 'the file must not start with a byte order mark (json.Unmarshal refuses it)'];
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    broken.push('the file must be UTF-8');
  }
  let item: unknown;
  try {
    item = JSON.parse(text);
  } catch (error) {
    return [...broken, `the file must be JSON: ${(error as Error).message}`];
  }
  if (!isObject(item)) {
    return [...broken, 'the file must hold one JSON object'];
  }

  const typeName = item.TypeName;
  if (typeof typeName !== 'string' || !fits(SSM.InventoryItemTypeName, typeName)) {
    broken.push(`TypeName must fit InventoryItemTypeName (1 to ${SSM.InventoryItemTypeName.max}, ${SSM.InventoryItemTypeName.pattern}), got ${JSON.stringify(typeName)}`);
  } else {
    if (Buffer.byteLength(typeName) > TYPE_NAME_LENGTH_LIMIT) {
      broken.push(`TypeName must be at most ${TYPE_NAME_LENGTH_LIMIT} bytes, got ${typeName}`);
    }
    if (!/^Custom:[A-Z]/.test(typeName)) {
      broken.push(`TypeName must start with Custom: and a capital letter, got ${typeName}`);
    }
  }

  const schemaVersion = item.SchemaVersion;
  if (typeof schemaVersion !== 'string' || !fits(SSM.InventoryItemSchemaVersion, schemaVersion)) {
    broken.push(`SchemaVersion must fit ${SSM.InventoryItemSchemaVersion.pattern}, got ${JSON.stringify(schemaVersion)}`);
  }

  const content = item.Content;
  const entries = Array.isArray(content) ? content : isObject(content) ? [content] : undefined;
  if (entries === undefined) {
    return [...broken, `Content must be an object or an array of objects, got ${JSON.stringify(content)}`];
  }
  if (entries.length > SSM.InventoryItemEntryList.max) {
    broken.push(`Content must have at most ${SSM.InventoryItemEntryList.max} entries, got ${entries.length}`);
  }
  const spellings = new Map<string, string>();
  entries.forEach((entry, index) => {
    if (!isObject(entry)) {
      broken.push(`Content[${index}] must be an object, got ${JSON.stringify(entry)}`);
      return;
    }
    const names = Object.keys(entry);
    if (names.length > SSM.InventoryItemEntry.max) {
      broken.push(`Content[${index}] must have at most ${SSM.InventoryItemEntry.max} attributes, got ${names.length}`);
    }
    for (const name of names) {
      const value = entry[name];
      if (name.length < SSM.AttributeName.min || name.length > SSM.AttributeName.max || Buffer.byteLength(name) > SSM.AttributeName.max) {
        broken.push(`Content[${index}] attribute names must be 1 to ${SSM.AttributeName.max} characters, got ${JSON.stringify(name)}`);
      }
      if (typeof value !== 'string') {
        broken.push(`Content[${index}].${name} must be a string, got ${JSON.stringify(value)}`);
      } else if (value.length > SSM.AttributeValue.max || Buffer.byteLength(value) > SSM.AttributeValue.max) {
        broken.push(`Content[${index}].${name} must be at most ${SSM.AttributeValue.max} characters, got ${value.length}`);
      }
      const spelled = spellings.get(name.toLowerCase());
      if (spelled !== undefined && spelled !== name) {
        broken.push(`Content[${index}] writes the attribute ${spelled} as ${name}: one case everywhere`);
      }
      spellings.set(name.toLowerCase(), name);
    }
  });
  return broken;
}

/** `TypeNameLengthLimit` of the custom gatherer. */
const TYPE_NAME_LENGTH_LIMIT = 100;

const SSM: Record<'InventoryItemTypeName' | 'InventoryItemSchemaVersion' | 'InventoryItemEntryList' | 'InventoryItemEntry'
| 'AttributeName' | 'AttributeValue', Required<Pick<ModelShape, 'min' | 'max' | 'pattern'>>> =
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'oracles', 'aws-models.json'), 'utf8')).ssm;

function fits(shape: ModelShape, value: string): boolean {
  return (shape.pattern === undefined || modelRegExp(shape.pattern).test(value))
    && (shape.min === undefined || value.length >= shape.min)
    && (shape.max === undefined || value.length <= shape.max);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `CustomInventoryCountLimit` of the custom gatherer. */
export const CUSTOM_INVENTORY_COUNT_LIMIT = 20;

/**
 * The names in a custom inventory folder that the gatherer counts (amazon-ssm-agent `customGatherer.go`
 * `getFilePaths`): every entry Go's `ioutil.ReadDir` lists (files, folders, links, hidden ones) whose
 * `filepath.Ext` is `.json`, case and all (Go's `Ext` is the suffix from the last dot, so `.json` itself counts).
 */
export function gathererJsonNames(folder: string): string[] {
  return fs.readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
}

/** Whether the gatherer reads the folder at all: `getFilePaths` fails once more than 20 names count. */
export function gathererReadsFolder(folder: string): boolean {
  return gathererJsonNames(folder).length <= CUSTOM_INVENTORY_COUNT_LIMIT;
}
