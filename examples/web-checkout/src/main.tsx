import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { client } from './apollo';
import { CartPage } from './CartPage';
import { ReturnPage } from './ReturnPage';

const page = window.location.pathname === '/return' ? <ReturnPage /> : <CartPage />;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>{page}</ApolloProvider>
  </StrictMode>,
);
