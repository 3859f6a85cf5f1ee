#!/usr/bin/env node
/**
 * Builds the published package: `dist/cjs` (CommonJS) and `dist/esm` (ES modules), each with its declarations,
 * from one TypeScript configuration (tsconfig.build.json). Why both formats: docs/package-format.md.
 *
 * The sources use extensionless relative imports (`./session.service`), which CommonJS resolves and Node's ESM
 * loader does not, so the ESM emit rewrites every relative specifier to the file it names (`./session.service.js`,
 * `./testing/index.js`), in code and in declarations alike. Files that call `require()` (the optional ioredis peer,
 * loaded lazily) get a module-local `require` from `createRequire(import.meta.url)` in the ESM output.
 * No source maps are shipped: the emitted JavaScript keeps the sources' names and layout.
 *
 * Usage: node scripts/build.mjs [outDir]   (default: dist). The two formats compile in parallel processes
 * (`--format cjs|esm` builds one into an existing outDir).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const formatIndex = args.indexOf('--format');
const onlyFormat = formatIndex === -1 ? undefined : args.splice(formatIndex, 2)[1];
const outDir = resolve(root, args[0] ?? 'dist');

function readBuildConfig() {
  const configPath = join(root, 'tsconfig.build.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
}

/** `./x` -> `./x.js` or `./x/index.js`, whichever source file `./x` names (relative to `fromFile`). */
function withExtension(specifier, fromFile) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  if (/\.(c|m)?js$/.test(specifier)) return specifier;
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(`${target}.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.ts'))) return `${specifier}/index.js`;
  throw new Error(`${fromFile}: cannot tell which file the import "${specifier}" names`);
}

/** Rewrites relative module specifiers for Node's ESM resolution (code and declarations). */
function esmSpecifiers(context) {
  const { factory } = context;
  return (sourceFile) => {
    const fromFile = ts.getOriginalNode(sourceFile).fileName ?? sourceFile.fileName;
    const literal = (node) => factory.createStringLiteral(withExtension(node.text, fromFile));
    const visit = (node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return factory.updateImportDeclaration(node, node.modifiers, node.importClause, literal(node.moduleSpecifier), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, literal(node.moduleSpecifier), node.attributes);
      }
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        const argument = factory.updateLiteralTypeNode(node.argument, literal(node.argument.literal));
        return factory.updateImportTypeNode(node, argument, node.attributes, node.qualifier, node.typeArguments, node.isTypeOf);
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0] ?? {})) {
        return factory.updateCallExpression(node, node.expression, node.typeArguments, [literal(node.arguments[0]), ...node.arguments.slice(1)]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

/** Gives ESM files that call `require(...)` a module-local `require` (ES modules have none). */
function esmRequire(context) {
  const { factory } = context;
  return (sourceFile) => {
    let callsRequire = false;
    const find = (node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') callsRequire = true;
      else ts.forEachChild(node, find);
    };
    find(sourceFile);
    if (!callsRequire) return sourceFile;
    const createRequire = factory.createUniqueName('createRequire');
    const importCreateRequire = factory.createImportDeclaration(
      undefined,
      factory.createImportClause(false, undefined, factory.createNamedImports([factory.createImportSpecifier(false, factory.createIdentifier('createRequire'), createRequire)])),
      factory.createStringLiteral('node:module'),
    );
    const importMetaUrl = factory.createPropertyAccessExpression(factory.createMetaProperty(ts.SyntaxKind.ImportKeyword, factory.createIdentifier('meta')), 'url');
    const declareRequire = factory.createVariableStatement(
      undefined,
      factory.createVariableDeclarationList(
        [factory.createVariableDeclaration('require', undefined, undefined, factory.createCallExpression(createRequire, undefined, [importMetaUrl]))],
        ts.NodeFlags.Const,
      ),
    );
    return factory.updateSourceFile(sourceFile, [importCreateRequire, declareRequire, ...sourceFile.statements]);
  };
}

function emit(format, parsed) {
  const formatDir = join(outDir, format);
  const options = {
    ...parsed.options,
    outDir: formatDir,
    sourceMap: false,
    declarationMap: false,
    inlineSourceMap: false,
    noEmit: false,
    ...(format === 'esm' ? { module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler } : { module: ts.ModuleKind.CommonJS }),
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options, projectReferences: parsed.projectReferences });
  const transformers = format === 'esm' ? { after: [esmSpecifiers, esmRequire], afterDeclarations: [esmSpecifiers] } : undefined;
  const result = program.emit(undefined, undefined, undefined, false, transformers);
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
    throw new Error(`${format} build failed:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  // Node decides a .js file's format by the nearest package.json: say it explicitly for each half.
  mkdirSync(formatDir, { recursive: true });
  writeFileSync(join(formatDir, 'package.json'), `${JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' })}\n`);
}

function buildInChildProcess(format) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), outDir, '--format', format], { stdio: 'inherit' });
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${format} build exited with ${code}`))));
  });
}

if (onlyFormat) {
  emit(onlyFormat, readBuildConfig());
} else {
  const started = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  await Promise.all([buildInChildProcess('cjs'), buildInChildProcess('esm')]);
  console.log(`built ${outDir}/{cjs,esm} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
