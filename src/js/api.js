// The package's API: the ErrGroup class with the map family attached as
// static functions (map.js imports the class; the class imports nothing of
// map.js).
import { ErrGroup, install } from './errgroup.js';
import { map, mapIterable, mapSettled } from './map.js';

for (const [name, value] of Object.entries({ map, mapSettled, mapIterable })) {
  Object.defineProperty(ErrGroup, name, { value, writable: true, configurable: true });
}

export { ErrGroup, install };
