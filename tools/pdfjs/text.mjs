// The text of a PDF as pdf.js (Firefox's reader) reads it for copy and search: getTextContent,
// a line break where pdf.js ends a line, a form feed after each page. Usage: node text.mjs FILE
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await getDocument({ data, disableFontFace: true, verbosity: 0 }).promise;
let out = "";
for (let number = 1; number <= doc.numPages; number++) {
  const page = await doc.getPage(number);
  const content = await page.getTextContent();
  for (const item of content.items) {
    if (item.str !== undefined) out += item.str + (item.hasEOL ? "\n" : "");
  }
  out += "\f";
}
process.stdout.write(out);
