import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { AppProvider, BlockStack, Card, List, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisTranslations from "@shopify/polaris/locales/en.json";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// What the app shows outside the Shopify admin. An App Store app must not ask the store owner to type a
// myshopify.com domain (shopify.dev app requirements): it is installed from the App Store listing. A
// request that names a shop (the admin opening the app's URL) goes on to the embedded app, which
// authenticates it. The domain form lives at /auth/login, for local development and custom distribution.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return null;
};

export default function Landing() {
  return (
    <AppProvider i18n={polarisTranslations}>
      <Page narrowWidth title="AI blog content">
        <BlockStack gap="400">
          <Card>
            <BlockStack gap="300">
              <Text as="p" variant="bodyLg">
                Blog articles for your Shopify store, drafted with AI and paid for with credits.
              </Text>
              <List>
                <List.Item>Research topics and draft articles for your online store&apos;s blog.</List.Item>
                <List.Item>A plan grants credits every month; top-ups add more when you need them.</List.Item>
                <List.Item>Every action shows its price, and a failed one costs nothing.</List.Item>
              </List>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Install from the Shopify App Store
              </Text>
              <Text as="p">
                Find AI blog content in the Shopify App Store and install it on your store. Once installed,
                open it from the Apps section of your Shopify admin.
              </Text>
            </BlockStack>
          </Card>
        </BlockStack>
      </Page>
    </AppProvider>
  );
}
