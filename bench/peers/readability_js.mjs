// Readability.js (Firefox Reader View) over a list of pages, in one
// process: for each line "IN\tOUT" of the list file, the article's HTML
// into OUT (empty when Readability finds none).  For bench/extract.sh.
//   node readability_js.mjs LIST   (NODE_PATH: where jsdom and
//   @mozilla/readability are installed)
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || ".", "x.js"));
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

const quiet = new VirtualConsole();
for (const line of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
	if (!line) continue;
	const [src, dst] = line.split("\t");
	let out = "";
	try {
		const dom = new JSDOM(fs.readFileSync(src), { url: "https://example.invalid/", virtualConsole: quiet });
		const art = new Readability(dom.window.document).parse();
		if (art && art.content) out = art.content;
		dom.window.close();
	} catch (e) {
		out = "";
	}
	fs.writeFileSync(dst, out);
}
