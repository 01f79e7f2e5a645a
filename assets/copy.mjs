// Copies the pinned GOV.UK Frontend JavaScript and images next to the built stylesheet,
// and axe-core for the browser tests, so that no page loads anything from the internet.
// The county lines map and graph get Leaflet, Cytoscape and an outline of the United Kingdom
// cut at build time from Natural Earth (world-atlas): the map needs no tile server.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { feature } from "topojson-client";

const out = "src/reachable/static/reachable";
mkdirSync(`${out}/assets`, { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
cpSync("node_modules/govuk-frontend/dist/govuk/assets/images", `${out}/assets/images`, { recursive: true });

mkdirSync(`${out}/maps`, { recursive: true });
cpSync("node_modules/leaflet/dist/leaflet.js", `${out}/maps/leaflet.js`);
cpSync("node_modules/leaflet/dist/leaflet.css", `${out}/maps/leaflet.css`);
cpSync("node_modules/cytoscape/dist/cytoscape.min.js", `${out}/maps/cytoscape.min.js`);
cpSync("assets/lines-map.js", `${out}/maps/lines-map.js`);

// The United Kingdom (ISO 3166 numeric 826) at Natural Earth's 1:10m scale, coordinates rounded
// to about 100 m: plenty for town-to-town flows, and a tenth of the size.
const world = JSON.parse(readFileSync("node_modules/world-atlas/countries-10m.json", "utf8"));
const uk = feature(world, world.objects.countries).features.filter((f) => f.id === "826");
const round = (c) => (typeof c[0] === "number" ? [+c[0].toFixed(3), +c[1].toFixed(3)] : c.map(round));
for (const f of uk) f.geometry.coordinates = round(f.geometry.coordinates);
writeFileSync(`${out}/maps/uk.json`, JSON.stringify({ type: "FeatureCollection", features: uk }));
