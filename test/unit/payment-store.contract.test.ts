/** The unit tests' fake store keeps the real store's rules (test/contracts/payment-store.contract.ts). */
import { paymentStoreContract } from '../contracts/payment-store.contract';
import { FakeStore } from '../fixtures/payment-fakes';

paymentStoreContract('FakeStore', () => Promise.resolve({ store: new FakeStore(), close: () => Promise.resolve() }));
