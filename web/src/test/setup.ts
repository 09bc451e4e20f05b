import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// waitFor and findBy wait on a condition: the default second is short when the checks share two cores
// with the Python tests (dev.py test), and a longer bound costs nothing when the condition comes sooner.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => cleanup());
