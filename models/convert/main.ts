/** `npm run models`: converts every catalogued model into models/ (or VIGIL_MODELS_DIR). */
import { modelsDir } from '../../app/engine/paths';
import { buildModels } from './build-models';
import { fetchHumanModels } from './human-models';

fetchHumanModels();
const out = modelsDir();
const started = Date.now();
const manifest = buildModels(out, (name, i, total) => process.stderr.write(`models: converting ${name} (${i + 1}/${total})\n`));
process.stdout.write(`models: wrote ${manifest.models.length} models and manifest.json to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
