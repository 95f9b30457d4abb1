// GraphiQL as a person on an intranet meets it: a headless Chromium loads the console with every
// request to another host blocked, runs a query with a token typed into the Headers tab, then a
// subscription that receives a change made meanwhile. Fails if anything stays blank.
// Usage: node graphiql.mjs BASE_URL OFFICE_TOKEN [SCREENSHOT.png]
import chromium from '@sparticuz/chromium';
import puppeteer from 'puppeteer-core';

const [base, token, screenshot] = process.argv.slice(2);
const origin = new URL(base).origin;
const fail = (why) => {
  console.error(why);
  process.exitCode = 1;
};

const browser = await puppeteer.launch({
  executablePath: await chromium.executablePath(),
  args: chromium.args,
  headless: true,
});
try {
  const page = await browser.newPage();
  const elsewhere = [];
  const broken = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      request.continue();
    } else {
      elsewhere.push(url);
      request.abort('blockedbyclient');
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('.map')) {
      broken.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => broken.push(`page error: ${error.message}`));

  await page.goto(`${base}/graphql`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 20000 });

  // The schema loaded by introspection: the documentation explorer lists the root types.
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForFunction(
    () => document.querySelector('.graphiql-doc-explorer')?.innerText.includes('Query'),
    { timeout: 20000 },
  );

  const setEditor = (selector, text) => page.evaluate(
    (selector, text) => document.querySelector(selector).CodeMirror.setValue(text),
    selector, text,
  );
  const result = () => page.evaluate(
    () => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? '',
  );
  const run = () => page.click('.graphiql-execute-button');

  await setEditor('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify({ Authorization: `Bearer ${token}` }));
  await setEditor('.graphiql-query-editor .CodeMirror', '{ viewer { role } departments { totalCount } }');
  await run();
  await page.waitForFunction(
    () => (document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? '').includes('"OFFICE"'),
    { timeout: 20000 },
  ).catch(async () => fail(`the query answered: ${await result()}`));

  await setEditor('.graphiql-query-editor .CodeMirror', 'subscription { changes(types: [PERSON]) { type operation } }');
  await run();
  // A subscription has no acknowledgement: make changes until one arrives (bounded).
  let received = false;
  for (let attempt = 0; attempt < 20 && !received; attempt += 1) {
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `mutation { createPerson(input: {nameZh: "测试${attempt}"}) { person { id } } }` }),
    });
    received = await page.waitForFunction(
      () => (document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? '').includes('createPerson'),
      { timeout: 1000 },
    ).then(() => true, () => false);
  }
  if (!received) fail(`no subscription event arrived: ${await result()}`);

  if (screenshot) await page.screenshot({ path: screenshot });
  if (elsewhere.length > 0) fail(`requests to other hosts: ${elsewhere.join(', ')}`);
  if (broken.length > 0) fail(`failed requests or errors: ${broken.join(', ')}`);
  if (!process.exitCode) console.log('GraphiQL: query and subscription answered');
} finally {
  await browser.close();
}
