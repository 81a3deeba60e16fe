/** The upstream every target calls: the test suite's fake SaaS, in a process of its own. */
import { startFakeSaas } from '../../test/support/fakeSaas.js';

const fake = await startFakeSaas();
process.send!({ url: fake.url, token: fake.token });
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
