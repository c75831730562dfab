// Offline validation of the deployment files (no Docker engine or Kubernetes API on these machines):
//   node validate.mjs compose <docker-compose.yml>   the Compose specification's schema and dclint's rules
//   node validate.mjs k8s <manifest.yaml>...         every document against the Kubernetes OpenAPI schema
// Exits 1 with one line per problem.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const [mode, ...files] = process.argv.slice(2);
const problems = [];

if (mode === "compose") {
  for (const file of files) {
    try {
      execFileSync(process.execPath, [join(here, "node_modules", "dclint", "bin", "dclint.cjs"), file], { stdio: "pipe" });
    } catch (error) {
      problems.push(`${file}: ${error.stdout}${error.stderr}`.trim());
    }
  }
} else if (mode === "k8s") {
  for (const file of files) {
    const documents = parseAllDocuments(readFileSync(file, "utf8"));
    for (const [index, document] of documents.entries()) {
      if (document.errors.length > 0) {
        problems.push(`${file} #${index + 1}: ${document.errors.map(e => e.message).join("; ")}`);
        continue;
      }
      const manifest = document.toJSON();
      if (!manifest) continue;
      const { apiVersion, kind } = manifest;
      // The models are grouped by API version: kubernetes-models/apps/v1 exports Deployment, …
      const Model = await import(`kubernetes-models/${apiVersion}`).then(models => models[kind], () => undefined);
      if (!Model) {
        problems.push(`${file} #${index + 1}: unknown apiVersion/kind ${apiVersion}/${kind}`);
        continue;
      }
      try {
        new Model(manifest).validate();
      } catch (error) {
        problems.push(`${file} #${index + 1} (${kind} ${manifest.metadata?.name}): ${error.message}`);
      }
    }
  }
} else {
  console.error("usage: node validate.mjs compose|k8s <file>...");
  process.exit(2);
}

for (const problem of problems) console.error(problem);
process.exit(problems.length > 0 ? 1 : 0);
