import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import {
  AppProvider as PolarisAppProvider,
  Button,
  Card,
  FormLayout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { httpError } from "../../http/errors.server";
import { requireFormData } from "../../http/require.server";
import { login } from "../../shopify.server";
import { loginErrorMessage } from "./error.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

/** A shop domain that is missing or invalid is the store owner's typo: the form again, with a 400. */
const status = (errors: { shop?: string }) => ({ status: errors.shop ? 400 : 200 });

// Outside the Admin there is no session yet: login() validates the shop and starts the install.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const errors = loginErrorMessage(await login(request));
  return data({ errors, polarisTranslations }, status(errors));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  // login() reads the form itself, unchecked: anything but a form (JSON, text, a broken multipart body)
  // or a file for a shop would throw inside it. Read a copy here first, so those are 4xx.
  const shop = (await requireFormData(request.clone())).get("shop");
  if (shop !== null && typeof shop !== "string") throw httpError(400, "The shop domain must be text");
  const errors = loginErrorMessage(await login(request));
  return data({ errors }, status(errors));
};

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData ?? loaderData;

  return (
    <PolarisAppProvider i18n={loaderData.polarisTranslations}>
      <Page>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
