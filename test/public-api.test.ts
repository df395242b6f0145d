/* eslint-disable no-bitwise */ // TypeScript's symbol and modifier flags are bit sets.
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The public API as a user of any jsii language sees it: every name `src/index.ts` exports, with its kind, and for
 * classes, interfaces and enums each public member with its type. Moving code between files changes none of it; a
 * change to it is a change to the API, made on purpose (`npx projen test:update`) and read in review.
 */
function publicApi(): string[] {
  const entry = path.join(__dirname, '..', 'src', 'index.ts');
  const program = ts.createProgram([entry], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16 });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const lines: string[] = [];
  for (const exported of checker.getExportsOfModule(module).sort((a, b) => a.name.localeCompare(b.name))) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations![0];
    lines.push(`${ts.SyntaxKind[declaration.kind]} ${exported.name}${heritage(declaration)}`);
    for (const member of members(symbol)) {
      const memberDeclaration = member.declarations?.[0];
      if (!memberDeclaration || isHidden(memberDeclaration)) {
        continue;
      }
      const type = ts.isConstructorDeclaration(memberDeclaration)
        ? checker.signatureToString(checker.getSignatureFromDeclaration(memberDeclaration)!)
        : checker.typeToString(checker.getTypeOfSymbolAtLocation(member, memberDeclaration), undefined, ts.TypeFormatFlags.NoTruncation);
      const isStatic = ts.getCombinedModifierFlags(memberDeclaration) & ts.ModifierFlags.Static ? 'static ' : '';
      const optional = member.flags & ts.SymbolFlags.Optional ? '?' : '';
      lines.push(`  ${isStatic}${member.name}${optional}: ${type}`);
    }
  }
  return lines;
}

function members(symbol: ts.Symbol): ts.Symbol[] {
  const all = [...(symbol.exports?.values() ?? []), ...(symbol.members?.values() ?? [])]
    .filter((member) => member.name !== 'prototype');
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** Private and protected members, and `@internal` ones (which jsii leaves out of the API), are no one's API. */
function isHidden(declaration: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(declaration);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0
    || ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'internal');
}

function heritage(declaration: ts.Declaration): string {
  if (!ts.isClassDeclaration(declaration) && !ts.isInterfaceDeclaration(declaration)) {
    return '';
  }
  const clauses = declaration.heritageClauses?.map((clause) => clause.getText()) ?? [];
  return clauses.length ? ` ${clauses.join(' ')}` : '';
}

test('the public API is what the snapshot records', () => {
  expect(publicApi().join('\n')).toMatchSnapshot();
});
