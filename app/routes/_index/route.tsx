import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Form } from "@remix-run/react";
import styles from "./styles.module.css";

// The public landing page: nothing to authenticate. A request that names a shop (the Admin opening the
// app's URL) goes on to the embedded app, which authenticates it.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return null;
};

export default function Landing() {
  return (
    <main className={styles.index}>
      <h1>AI blog content</h1>
      <p>Blog articles for your Shopify store, drafted with AI and paid for with credits.</p>
      <Form className={styles.form} method="post" action="/auth/login">
        <label>
          <span>Shop domain</span>
          <input type="text" name="shop" placeholder="my-shop-domain.myshopify.com" />
        </label>
        <button type="submit">Log in</button>
      </Form>
    </main>
  );
}
