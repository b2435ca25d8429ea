// The model the proxy ships: trained on all replay data by `npm run train:quality`, which
// also writes its held-out (cross-validated) figures into the file's `training` field.
import weights from './weights.json';
import { loadModel } from './model';

export const SHIPPED_MODEL = loadModel(weights);
