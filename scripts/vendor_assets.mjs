#!/usr/bin/env node
// Copy the front-end files Zugong serves from node_modules into zugong/static/vendor/.
//
// Only the files listed below are copied (plus the source maps they name, so that
// Django's ManifestStaticFilesStorage finds every file a css/js file refers to).
// Each vendor folder is rebuilt from scratch, so a removed file never lingers.
// The script fails when a file is missing or when a stylesheet points outside the
// vendor folder (a CDN or any other URL): government intranets have no internet.
//
// Usage: node scripts/vendor_assets.mjs     (run by `make setup` after `npm ci`)

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "zugong", "static", "vendor");

// target folder -> [source path under node_modules, destination path under the target folder]
const MANIFEST = {
  bootstrap: [
    ["bootstrap/dist/css/bootstrap.min.css", "bootstrap.min.css"],
    ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js"],
    ["bootstrap/LICENSE", "LICENSE"],
  ],
  "bootstrap-icons": [
    ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons.min.css"],
    // The stylesheet loads its fonts from "fonts/..." relative to itself.
    ["bootstrap-icons/font/fonts/bootstrap-icons.woff2", "fonts/bootstrap-icons.woff2"],
    ["bootstrap-icons/font/fonts/bootstrap-icons.woff", "fonts/bootstrap-icons.woff"],
    ["bootstrap-icons/LICENSE", "LICENSE"],
  ],
  echarts: [
    ["echarts/dist/echarts.min.js", "echarts.min.js"],
    ["echarts/LICENSE", "LICENSE"],
    ["echarts/NOTICE", "NOTICE"],
  ],
  htmx: [
    ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
    ["htmx.org/LICENSE", "LICENSE"],
  ],
};

function fail(message) {
  console.error(`vendor_assets: ${message}`);
  process.exit(1);
}

function version(pkg) {
  return JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
}

function copy(src, dest) {
  if (!existsSync(src)) fail(`missing ${relative(root, src)} (run npm ci first)`);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
}

// Relative references a css/js file makes to other files: source maps and css url()s.
function references(text, isCss) {
  const refs = [];
  for (const m of text.matchAll(/[#@]\s*sourceMappingURL=([^\s*'"]+)/g)) refs.push(m[1]);
  if (isCss) {
    for (const m of text.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) refs.push(m[2]);
    for (const m of text.matchAll(/@import\s+(['"])([^'"]+)\1/g)) refs.push(m[2]);
  }
  return refs.filter((ref) => !ref.startsWith("data:") && !ref.startsWith("#"));
}

if (!existsSync(modules)) fail("node_modules is missing (run npm ci first)");

let count = 0;
for (const [target, files] of Object.entries(MANIFEST)) {
  const outDir = join(vendor, target);
  rmSync(outDir, { recursive: true, force: true });
  for (const [from, to] of files) {
    copy(join(modules, from), join(outDir, to));
    count += 1;
  }
  // Second pass, once the folder is complete: every reference must resolve inside it.
  for (const [from, to] of files) {
    if (!/\.(css|js)$/.test(to)) continue;
    const src = join(modules, from);
    const dest = join(outDir, to);
    for (const ref of references(readFileSync(src, "utf8"), to.endsWith(".css"))) {
      if (/^([a-z][a-z0-9+.-]*:)?\/\//i.test(ref) || ref.startsWith("/")) {
        fail(`${from} refers to an outside URL: ${ref}`);
      }
      const path = ref.split(/[?#]/)[0];
      const refDest = join(dirname(dest), path);
      if (relative(outDir, refDest).startsWith("..")) fail(`${from} refers outside its folder: ${ref}`);
      if (path.endsWith(".map")) {
        // Source maps come along so manifest storage (collectstatic) can resolve them.
        copy(join(dirname(src), path), refDest);
        count += 1;
      } else if (!existsSync(refDest)) {
        fail(`${from} refers to ${ref}, which is not vendored (add it to MANIFEST in this script)`);
      }
    }
  }
}

const versions = {
  bootstrap: version("bootstrap"),
  "bootstrap-icons": version("bootstrap-icons"),
  echarts: version("echarts"),
  htmx: version("htmx.org"),
};
const summary = Object.entries(versions)
  .map(([name, v]) => `${name} ${v}`)
  .join(", ");
console.log(`vendored ${count} files into ${posix.join(...relative(root, vendor).split(/[\\/]/))}/: ${summary}`);
