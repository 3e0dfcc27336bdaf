// Shopify's own empty-state illustration, as the app template and Polaris's examples use it.
export const EMPTY_STATE_IMAGE =
  "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";
