/**
 * The framework catalogue: every framework the project ships, declared once in
 * `frameworks.json` (next to this package's package.json) so that the registry, the CLI's
 * `frameworks`/`doctor`/`setup`, the reporter and the Nx `train` targets
 * (tools/nx-frameworks-plugin.cjs, which cannot import TypeScript) read the same list.
 * It is plain JSON for that reason, and validated here.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJson } from '@rosetta/data';

const FamilySchema = z.object({
  /** Used in file names, e.g. notebooks/<id>.<model>.ipynb. */
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  /** The package holding the family's model sources, cnn.ts and rnn.ts. */
  package: z.string().min(1),
  /** That package's directory, relative to the workspace root. */
  directory: z.string().min(1),
});

const FrameworkEntrySchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  family: z.string(),
  /** The package whose module exports the adapter. */
  package: z.string().min(1),
  /** The named export holding the adapter. */
  export: z.string().min(1),
  device: z.enum(['cpu', 'gpu']),
  /**
   * The instruction set its arithmetic runs on: `rosetta bench` sets its rate against that one's
   * peak on the machine (native code: the best large product through ONNX Runtime's CPU provider or
   * the loaded BLAS; WebAssembly: XNNPACK's through tfjs-wasm).
   */
  arithmetic: z.enum(['native', 'webassembly', 'javascript', 'gpu']),
  /** Trained by `npx nx run-many -t train`; the others get a `train-reference` target. */
  defaultRun: z.boolean(),
  description: z.string().min(1),
  /** What it needs beyond `npm install`, in words. */
  needs: z.string().min(1),
  /** The command that installs what `npm install` cannot, or null when nothing is needed. */
  setup: z.string().min(1).nullable(),
});

const CatalogueSchema = z
  .object({
    families: z.array(FamilySchema).min(1),
    frameworks: z.array(FrameworkEntrySchema).min(1),
  })
  .superRefine((catalogue, ctx) => {
    const families = new Set(catalogue.families.map((f) => f.id));
    const names = new Set<string>();
    catalogue.frameworks.forEach((framework, i) => {
      if (!families.has(framework.family)) {
        ctx.addIssue({ code: 'custom', path: ['frameworks', i, 'family'], message: `unknown family "${framework.family}"` });
      }
      if (names.has(framework.name)) ctx.addIssue({ code: 'custom', path: ['frameworks', i, 'name'], message: `"${framework.name}" is declared twice` });
      names.add(framework.name);
    });
  });

export type FrameworkFamily = z.infer<typeof FamilySchema>;
export type FrameworkEntry = z.infer<typeof FrameworkEntrySchema>;
export type Catalogue = z.infer<typeof CatalogueSchema>;

export const CATALOGUE_FILE = new URL('../frameworks.json', import.meta.url);

/** Parses and validates a catalogue; the error names the file and every problem. */
export function parseCatalogue(text: string, file: string): Catalogue {
  const parsed = CatalogueSchema.safeParse(parseJson(text, file));
  if (!parsed.success) {
    throw new Error(`${file}: not a valid framework catalogue: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export const CATALOGUE: Catalogue = parseCatalogue(readFileSync(CATALOGUE_FILE, 'utf8'), 'packages/harness/frameworks.json');

/** Every framework of the catalogue, in its order. */
export const FRAMEWORKS: readonly FrameworkEntry[] = CATALOGUE.frameworks;
export const FAMILIES: readonly FrameworkFamily[] = CATALOGUE.families;

export function catalogueEntry(name: string): FrameworkEntry | undefined {
  return FRAMEWORKS.find((framework) => framework.name === name);
}

/** A catalogue framework's one-line description; adapters take theirs from here. */
export function describeFramework(name: string): string {
  const entry = catalogueEntry(name);
  if (!entry) throw new Error(`"${name}" is not in the framework catalogue (packages/harness/frameworks.json)`);
  return entry.description;
}

/** The family whose model sources a framework runs, e.g. "tfjs" for "tfjs-wasm". */
export function familyOf(framework: string): FrameworkFamily | undefined {
  const entry = catalogueEntry(framework);
  return entry && FAMILIES.find((family) => family.id === entry.family);
}

/** How to enable a framework that cannot load here, for messages and `unavailable` reasons. */
export function enableHint(entry: FrameworkEntry): string {
  return entry.setup === null
    ? `it needs ${entry.needs}`
    : `it needs ${entry.needs}; to enable it run \`${entry.setup}\` (\`npx rosetta doctor\` names what is missing)`;
}
