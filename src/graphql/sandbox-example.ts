/** What the development IDE (GraphiQL, or Apollo Sandbox) opens with: a ready example, so a newcomer can press Run. */

export const SANDBOX_DOCUMENT = `# Welcome to the Cashii BFF (development: the Cashii simulator, no real money).
# 1. Run "CreatePayment". 2. Open the paymentUrl it returns and press Pay on the simulator page.
# 3. Put the id into the "id" variable, pick "Payment" and run it: the status is now PAID, confirmed with Cashii.
# 4. Pick "Order": the order "order-42" is PAID; "CreatePayment" again answers ORDER_ALREADY_PAID.

mutation CreatePayment($input: CreateRemotePaymentInput!) {
  createRemotePayment(input: $input) {
    id
    status
    amount
    formattedAmount(locale: "en-US")
    paymentUrl
  }
}

query Payment($id: ID!) {
  payment(id: $id) {
    id
    status
    formattedAmount(locale: "en-US")
    from
    verifiedAt
    events { from to source at }
  }
}

query Order($orderId: String!) {
  order(orderId: $orderId) {
    orderId
    status
    paidPayment { id status }
    payments { id status formattedAmount createdAt }
  }
}

query MyPayments {
  payments(first: 10) {
    edges { node { id status formattedAmount createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

export const SANDBOX_VARIABLES = {
  input: {
    amount: 3_000_000_000,
    currency: 'SYP',
    note: 'Order 42',
    orderId: 'order-42',
    redirectUrl: 'http://localhost:5173/return',
  },
  orderId: 'order-42',
  id: 'paste the 16-digit id from CreatePayment here',
};
