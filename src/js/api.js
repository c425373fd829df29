// The package's API: the ErrGroup class with its static map functions
// attached (map.js imports the class; the class imports nothing of map.js).
import { ErrGroup, install } from './errgroup.js';
import { map } from './map.js';

Object.defineProperty(ErrGroup, 'map', { value: map, writable: true, configurable: true });

export { ErrGroup, install };
