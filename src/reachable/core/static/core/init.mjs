// Starts GOV.UK Frontend's components. Loaded as a module, so only browsers that support them run it.
import { initAll } from "../reachable/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
