import * as fs from 'fs';
import { Language, Node, Parser } from 'web-tree-sitter';

/**
 * The Windows collector read through tree-sitter's PowerShell grammar (the `tree-sitter-powershell` package), so that
 * tests can hold what it does to the Linux collector without running PowerShell: its values (paths, names) are worked
 * out from the parse tree, not matched as text.
 */
let parser: Parser | undefined;

export async function powershellParser(): Promise<Parser> {
  if (!parser) {
    await Parser.init();
    parser = new Parser();
    // The grammar's bytes, not its path: loading a path imports a module dynamically, which jest refuses.
    parser.setLanguage(await Language.load(fs.readFileSync(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'))));
  }
  return parser;
}

/** Every node of `type` under `node`, in source order. */
export function nodesOf(node: Node, type: string): Node[] {
  const found: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === type) {
      found.push(n);
    }
    n.children.forEach((child) => child && visit(child));
  };
  visit(node);
  return found;
}

/** A static method call `[Type]::Member(...)`. */
export interface StaticCall {
  readonly type: string;
  readonly member: string;
  readonly args: Node[];
  readonly node: Node;
}

/** Every `[Type]::Member(args)` in the script, in source order. */
export function staticCalls(root: Node): StaticCall[] {
  return nodesOf(root, 'invokation_expression').flatMap((call) => {
    const type = call.children.find((c) => c?.type === 'type_literal');
    const member = call.children.find((c) => c?.type === 'member_name');
    const list = call.children.find((c) => c?.type === 'argument_list');
    if (!type || !member || !list) {
      return [];
    }
    const args = nodesOf(list, 'argument_expression').filter((a) => a.parent?.parent?.id === list.id);
    return [{ type: type.text.replace(/^\[|\]$/g, ''), member: member.text, args, node: call }];
  });
}

/**
 * The value of an expression made of string literals, variables, `+` and `[IO.Path]::Combine` (with `\`, as on
 * Windows), worked out from the script's own assignments (a variable's last one in source order: the collector's
 * default, after any test override). `$env:NAME` stays `<env:NAME>`, `$PID` `<PID>`.
 */
export function evaluate(node: Node, root: Node): string {
  switch (node.type) {
    case 'string_literal':
    case 'verbatim_string_characters': {
      const text = node.text;
      if (!/^'.*'$/s.test(text)) {
        throw new Error(`only verbatim strings are evaluated, got ${text}`);
      }
      return text.slice(1, -1).replace(/''/g, "'");
    }
    case 'variable':
      return variable(node.text, root);
    case 'additive_expression':
    case 'additive_argument_expression': {
      const operands = node.namedChildren.filter((c): c is Node => c !== null);
      if (operands.length > 1 && node.children.some((c) => c?.text === '-')) {
        throw new Error(`only + is evaluated, got ${node.text}`);
      }
      return operands.map((operand) => evaluate(operand, root)).join('');
    }
    case 'invokation_expression': {
      const [call] = staticCalls(node).filter((c) => c.node.id === node.id);
      if (call?.type.toLowerCase() === 'io.path' && call.member === 'Combine') {
        return call.args.map((arg) => evaluate(arg, root)).join('\\');
      }
      throw new Error(`only [IO.Path]::Combine is evaluated, got ${node.text}`);
    }
    default: {
      const named = node.namedChildren.filter((c): c is Node => c !== null);
      if (named.length === 1) {
        return evaluate(named[0], root);
      }
      throw new Error(`cannot evaluate ${node.type}: ${node.text}`);
    }
  }
}

function variable(name: string, root: Node): string {
  const env = /^\$env:(\w+)$/i.exec(name);
  if (env) {
    return `<env:${env[1]}>`;
  }
  if (name === '$PID') {
    return '<PID>';
  }
  const assigned = assignments(root, name);
  if (assigned.length === 0) {
    throw new Error(`${name} is never assigned`);
  }
  return evaluate(assigned[assigned.length - 1], root);
}

/** The right-hand sides assigned to a variable, in source order. */
export function assignments(root: Node, name: string): Node[] {
  return nodesOf(root, 'assignment_expression').flatMap((assignment) => {
    const left = assignment.children.find((c) => c?.type === 'left_assignment_expression');
    const right = assignment.children[assignment.children.length - 1];
    return left?.text.toLowerCase() === name.toLowerCase() && right ? [right] : [];
  });
}

/** The verbatim strings of an array literal `@('a', 'b')` or `'a', 'b'`, in order. */
export function stringList(node: Node): string[] {
  return nodesOf(node, 'string_literal').map((literal) => evaluate(literal, node));
}

/** The places where the grammar could not parse the script. */
export function parseErrors(root: Node, script: string): string[] {
  const errors: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      errors.push(`line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : script.slice(node.startIndex, node.startIndex + 40)}`);
    }
    node.children.forEach((child) => child && visit(child));
  };
  visit(root);
  return errors;
}
