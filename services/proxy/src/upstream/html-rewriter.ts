import { parse, type DefaultTreeAdapterMap } from "parse5";
import { applyEdits, attributeEdit, type Edit } from "./attribute-edit";
import { rewriteCss } from "./css-rewriter";
import { mapRefresh } from "./refresh-value";
import { mapSrcset } from "./srcset";
import { mapUrl, type MapUrlOptions, type RewriteContext } from "./url-mapping";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];
type Template = DefaultTreeAdapterMap["template"];

const HTML = "http://www.w3.org/1999/xhtml";
const SVG = "http://www.w3.org/2000/svg";

/** WHATWG HTML's URL-valued attributes, by element (HTML namespace). */
const HTML_URL_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ["href"],
  area: ["href"],
  base: ["href"],
  link: ["href", "imagesrcset"],
  img: ["src", "srcset"],
  source: ["src", "srcset"],
  script: ["src"],
  iframe: ["src"],
  frame: ["src"],
  embed: ["src"],
  audio: ["src"],
  video: ["src", "poster"],
  track: ["src"],
  input: ["src", "formaction"],
  button: ["formaction"],
  form: ["action"],
  object: ["data"],
  blockquote: ["cite"],
  q: ["cite"],
  del: ["cite"],
  ins: ["cite"],
  body: ["background"],
  table: ["background"],
  td: ["background"],
  th: ["background"],
};
/** SVG elements that reference a URL with `href` or the older `xlink:href`. */
const SVG_HREF_ELEMENTS = new Set(["a", "use", "image", "feImage"]);

type ValueMapper = (value: string, ctx: RewriteContext, options: MapUrlOptions) => string;

function mapperFor(element: Element, attribute: string): ValueMapper | undefined {
  if (attribute === "style") return rewriteCss;
  if (element.namespaceURI === HTML) {
    if (!HTML_URL_ATTRIBUTES[element.tagName]?.includes(attribute)) return undefined;
    return attribute === "srcset" || attribute === "imagesrcset" ? mapSrcset : mapUrl;
  }
  if (element.namespaceURI === SVG && SVG_HREF_ELEMENTS.has(element.tagName) && (attribute === "href" || attribute === "xlink:href")) return mapUrl;
  return undefined;
}

/** Elements in tree order; a `<template>`'s content comes right after the template itself. */
function* elements(root: Node, intoTemplates: boolean): Generator<Element> {
  const stack: Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if ("childNodes" in node) for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i] as Node);
    if (!("tagName" in node)) continue;
    if (intoTemplates && node.tagName === "template") stack.push((node as Template).content);
    yield node;
  }
}

const attributeValue = (element: Element, name: string) => element.attrs.find((attribute) => !attribute.prefix && attribute.name === name)?.value;

/**
 * WHATWG HTML "frozen base URL": the first `<base href>` in the document decides what `/x`
 * resolves against. When it names another origin, root-relative URLs go there, not through us.
 */
function rootRelativeIsOurs(document: Node, ctx: RewriteContext): boolean {
  for (const element of elements(document, false)) {
    const href = element.namespaceURI === HTML && element.tagName === "base" ? attributeValue(element, "href")?.trim() : undefined;
    if (href === undefined) continue;
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:|^[/\\]{2}/.test(href);
    return !absolute || mapUrl(href, ctx) !== href;
  }
  return true;
}

function elementEdits(html: string, element: Element, ctx: RewriteContext, options: MapUrlOptions): Edit[] {
  const edits: Edit[] = [];
  const locations = element.sourceCodeLocation?.attrs;
  const refresh = element.namespaceURI === HTML && element.tagName === "meta" && attributeValue(element, "http-equiv")?.trim().toLowerCase() === "refresh";
  for (const attribute of element.attrs) {
    const name = attribute.prefix ? `${attribute.prefix}:${attribute.name}` : attribute.name;
    const mapper = refresh && name === "content" ? mapRefresh : mapperFor(element, name);
    const location = locations?.[name];
    if (!mapper || !location) continue;
    const edit = attributeEdit(html, location, name, attribute.value, mapper(attribute.value, ctx, options));
    if (edit) edits.push(edit);
  }
  if (element.tagName !== "style") return edits;
  for (const child of element.childNodes) {
    const location = child.nodeName === "#text" ? child.sourceCodeLocation : undefined;
    if (!location) continue;
    const css = html.slice(location.startOffset, location.endOffset);
    // An HTML <style> holds raw text; inside <svg> its text decodes references, so only a text
    // without any is the same on both sides.
    if (element.namespaceURI !== HTML && css.includes("&")) continue;
    const next = rewriteCss(css, ctx, options);
    if (next !== css) edits.push({ start: location.startOffset, end: location.endOffset, text: next });
  }
  return edits;
}

/**
 * Rewrites an HTML document's URLs for the proxy prefix with a real parser (parse5, WHATWG HTML
 * tokenisation and tree building) and changes nothing else: only the values of URL attributes
 * (href, src, srcset, action, formaction, poster, data, background, cite, imagesrcset, `<base
 * href>`, SVG href / xlink:href, `<meta http-equiv="refresh" content>`), `style` attributes and
 * `<style>` text (through the CSS rewriter) are spliced back into the original text at the
 * offsets parse5 reports. Inline scripts, comments, whitespace, attribute order and case keep
 * their bytes. Nothing is injected.
 *
 * `<a href="/x">` → `<a href="/api/v1/proxy/x">`; `<script>fetch("/x")</script>` stays.
 */
export function rewriteHtml(html: string, ctx: RewriteContext): string {
  const document = parse(html, { sourceCodeLocationInfo: true });
  const options: MapUrlOptions = { rootRelative: rootRelativeIsOurs(document, ctx) };
  const edits: Edit[] = [];
  for (const element of elements(document, true)) edits.push(...elementEdits(html, element, ctx, options));
  return applyEdits(html, edits);
}
