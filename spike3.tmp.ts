import { Resvg } from "@resvg/resvg-js";
const s = process.argv[2] ?? "";
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="60"><text x="450" y="40" text-anchor="middle" style="font-size:28px;font-family:Vazirmatn">${s}</text></svg>`;
const t0 = performance.now();
const img = new Resvg(svg, { font: { fontFiles: ["node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf"], loadSystemFonts: false, defaultFontFamily: "Vazirmatn" } }).render();
const px = img.pixels; const cols: number[] = [];
for (let x = 0; x < img.width; x++) { let c = 0; for (let y = 0; y < img.height; y++) if (px[(y * img.width + x) * 4 + 3] > 128) c++; cols.push(c); }
const ink = cols.map((c, x) => [c, x]).filter(([c]) => c > 0).map(([, x]) => x);
const min = ink[0], max = ink[ink.length - 1], mid = (min + max) / 2;
let left = 0, right = 0; cols.forEach((c, x) => { if (x < mid) left += c; else right += c; });
console.log(JSON.stringify(s), "inkLeft", left, "inkRight", right, min, max, performance.now() - t0);
let best = [0, 0], run = 0;
for (let x = min; x <= max; x++) { if (cols[x] === 0) { run++; if (run > best[1]) best = [x - run + 1, run]; } else run = 0; }
console.log("gap at", (best[0] - min) / (max - min));
