/**
 * Docs are code: every TypeScript block of README.md (and docs/*.md) type-checks against the sources, as a module
 * of its own, with the repo's compiler options (`nestjs-charon` -> src/). What a block leaves to the reader's
 * app (their AppModule, UsersService, ...) is declared in readme-context.d.ts; everything else must be imported
 * by the block itself. Failures name the Markdown line.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { allTypeScriptBlocks, type CodeBlock, REPO_ROOT } from './markdown-code-blocks';

const CONTEXT = join(__dirname, 'readme-context.d.ts');

/** Where a block lives for the compiler (never written to disk). */
function virtualPath(block: CodeBlock): string {
  return join(REPO_ROOT, 'test/docs/.blocks', `${block.file.replace(/\W/g, '-')}-L${block.line}.ts`);
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(REPO_ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, REPO_ROOT, undefined, configPath);
  return {
    ...options,
    // Examples are read as an app's ES modules (top-level await in a test is fine); `paths` still maps the package.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // An example may show a parameter or an import it doesn't use further.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    noEmit: true,
  };
}

/** Type-checks all blocks in one program; diagnostics per block, with the Markdown line of each. */
function typeCheck(blocks: CodeBlock[]): Map<CodeBlock, string[]> {
  const options = compilerOptions();
  const sources = new Map(blocks.map((block) => [virtualPath(block), `${block.code}\nexport {};\n`]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (fileName) => sources.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources.get(fileName) ?? readFile.call(host, fileName);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const source = sources.get(fileName);
    return source !== undefined ? ts.createSourceFile(fileName, source, languageVersion, true) : getSourceFile.call(host, fileName, languageVersion, ...rest);
  };
  const program = ts.createProgram([CONTEXT, ...sources.keys()], options, host);
  const results = new Map<CodeBlock, string[]>();
  for (const block of blocks) {
    const sourceFile = program.getSourceFile(virtualPath(block))!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    results.set(
      block,
      diagnostics.map((diagnostic) => {
        const { line } = sourceFile.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `${block.file}:${block.line + 1 + line}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      }),
    );
  }
  return results;
}

const blocks = allTypeScriptBlocks();
const checked = blocks.filter((block) => block.notChecked === undefined);
let diagnostics: Map<CodeBlock, string[]>;

beforeAll(() => {
  diagnostics = typeCheck(checked);
}, 120_000);

describe('TypeScript examples in the docs', () => {
  it('finds the examples, and skips only blocks marked not-checked with a reason', () => {
    expect(checked.length).toBeGreaterThan(10);
    for (const block of blocks.filter((candidate) => candidate.notChecked !== undefined)) {
      expect(`${block.file}:${block.line} ${block.notChecked}`).toMatch(/:\d+ \S.{9,}/);
    }
  });

  it.each(checked.map((block) => [`${block.file}:${block.line}`, block] as const))('%s type-checks', (_where, block) => {
    expect(diagnostics.get(block)).toEqual([]);
  });
});
