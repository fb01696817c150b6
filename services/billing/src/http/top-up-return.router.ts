import { Router, type Response } from "express";

/**
 * Where Stripe Checkout sends the browser back (the defaults of TOP_UP_SUCCESS_URL and
 * TOP_UP_CANCEL_URL, mounted at /billing/top-ups; they were a 404 at the gateway, issue #19).
 * Static pages that read nothing from the request and credit nothing: only the provider's signed
 * webhook credits a wallet, since anyone can open a success URL.
 */
export function topUpReturnRouter(): Router {
  const router = Router();
  /**
   * @openapi
   * /billing/top-ups/success:
   *   get:
   *     operationId: topUpSuccessPage
   *     summary: The page Stripe Checkout returns to after a payment
   *     description: "A static HTML page (TOP_UP_SUCCESS_URL's default). It reads nothing from the request and credits nothing: only the signed webhook credits the wallet."
   *     tags: [billing]
   *     security: []
   *     responses:
   *       200: { description: The page, content: { text/html: { schema: { type: string } } } }
   */
  router.get("/success", (_req, res) => {
    sendPage(res, "Payment received — confirming", [
      "Thank you. Your payment is being confirmed with the payment provider.",
      "Your wallet is credited when the provider confirms the payment, usually within a few seconds; this page itself credits nothing.",
      "You can close this page and check your balance in Tollgate (tollgate balance).",
    ]);
  });
  /**
   * @openapi
   * /billing/top-ups/cancelled:
   *   get:
   *     operationId: topUpCancelledPage
   *     summary: The page Stripe Checkout returns to when the payment is abandoned
   *     description: "A static HTML page (TOP_UP_CANCEL_URL's default): nothing was charged."
   *     tags: [billing]
   *     security: []
   *     responses:
   *       200: { description: The page, content: { text/html: { schema: { type: string } } } }
   */
  router.get("/cancelled", (_req, res) => {
    sendPage(res, "Top-up cancelled", ["The top-up was cancelled: nothing was charged and your wallet is unchanged.", "You can start a new top-up whenever you like (tollgate topup)."]);
  });
  return router;
}

function sendPage(res: Response, title: string, paragraphs: string[]): void {
  const body = paragraphs.map((text) => `  <p>${text}</p>`).join("\n");
  res
    .status(200)
    .set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "X-Content-Type-Options": "nosniff" })
    .send(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · Tollgate</title>
  <style>body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }</style>
</head>
<body>
  <h1>${title}</h1>
${body}
</body>
</html>
`);
}
