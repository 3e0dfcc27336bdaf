import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import db from "../db.server";
import { authenticate } from "../shopify.server";

const payloadSchema = z.object({ current: z.array(z.string()) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session, topic, shop } = await authenticate.webhook(request);
  console.log(`Received ${topic} webhook for ${shop}`);

  // Webhooks can arrive more than once and after the sessions are gone.
  if (session) {
    const { current } = payloadSchema.parse(payload);
    await db.session.update({ where: { id: session.id }, data: { scope: current.toString() } });
  }
  return new Response();
};
