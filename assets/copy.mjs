// Copies the pinned GOV.UK Frontend JavaScript and images next to the built stylesheet,
// and axe-core for the browser tests, so that no page loads anything from the internet.
import { cpSync, mkdirSync } from "node:fs";

const out = "src/reachable/static/reachable";
mkdirSync(`${out}/assets`, { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
cpSync("node_modules/govuk-frontend/dist/govuk/assets/images", `${out}/assets/images`, { recursive: true });
