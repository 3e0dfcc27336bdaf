import type { LoaderFunctionArgs } from "@remix-run/node";
import { BlockStack, Card, Layout, Link, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

export default function Index() {
  return (
    <Page title="AI blog content">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Blog articles, written for your store
              </Text>
              <Text as="p">
                Draft blog articles for your online store with AI. Each article costs credits: your plan
                grants credits every month, and you can buy top-ups when you need more.
              </Text>
              <Text as="p">
                See your plan, your credit balance and top-ups on the <Link url="/app/billing">Billing</Link>{" "}
                page.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
