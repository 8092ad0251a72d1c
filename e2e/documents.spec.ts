import { PDFDocument } from 'pdf-lib';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { appOrigin, demo, e2eQuery, sessionCookieFor, signIn } from './fixtures';

/** A draft client CO on P-1001, raised by the PM through the API (the demo seed has none). */
async function draftChangeOrder(request: APIRequestContext): Promise<{ id: string; project_id: string }> {
  const [code] = await e2eQuery<{ id: string; project_id: string }>(
    "SELECT c.id, c.project_id FROM cost_codes c JOIN projects p ON p.id = c.project_id WHERE p.code = 'P-1001' ORDER BY c.code LIMIT 1",
  );
  const response = await request.post('/api/trpc/changeOrders.create', {
    headers: {
      cookie: await sessionCookieFor(demo.pm),
      origin: appOrigin(),
      'content-type': 'application/json',
    },
    data: {
      json: {
        projectId: code!.project_id,
        kind: 'client',
        title: 'Attenuation tank upsizing',
        reason: 'client_instruction',
        description: '',
        scheduleImpactDays: 0,
        lines: [
          {
            costCodeId: code!.id,
            description: 'Larger tank',
            quantity: '1',
            unit: 'item',
            unitCost: '1200.00',
            sellAmount: '1500.00',
          },
        ],
        documents: [],
      },
    },
  });
  const body = await response.text();
  expect(response.status(), body).toBe(200);
  const id = (JSON.parse(body) as { result: { data: { json: { id: string } } } }).result.data.json.id;
  return { id, project_id: code!.project_id };
}

/**
 * Issue 19, documents: an upload on a record checked by its bytes, shown on the record, downloaded as
 * an attachment with `nosniff`, refused on the field when its content is not a document, refused to
 * another project's people, to foreign origins and form posts, and above 25 MB through the whole stack.
 */
test('a PM attaches a quote to a change order; the file downloads as an attachment, HTML is refused on the field', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const co = await draftChangeOrder(request);
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Quote Q-881 for the attenuation tank');
  const pdf = Buffer.from(await doc.save());

  await signIn(page, demo.pm);
  await page.goto(`/projects/${co.project_id}/change-orders/${co.id}`);
  const panel = page.getByTestId('documents-panel');
  await expect(panel).toBeVisible();
  await panel.getByLabel('What it is').selectOption('evidence');
  await panel
    .getByLabel('File')
    .setInputFiles({ name: 'quote Q-881.pdf', mimeType: 'application/pdf', buffer: pdf });
  await panel.getByRole('button', { name: 'Upload' }).click();
  await expect(panel.getByRole('link', { name: 'quote Q-881.pdf' })).toBeVisible();
  await expect(panel.getByText('quote Q-881.pdf uploaded.')).toBeVisible();

  // a page's markup named .pdf: refused, the reason on the file field, nothing added
  await panel.getByLabel('File').setInputFiles({
    name: 'invoice.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>'),
  });
  await panel.getByRole('button', { name: 'Upload' }).click();
  const fileInput = panel.getByLabel('File');
  await expect(fileInput).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByTestId('field-error')).toContainText('could not be recognised from its content');
  await expect(panel.getByRole('link', { name: 'invoice.pdf' })).toHaveCount(0);

  const [stored] = await e2eQuery<{ id: string }>(
    "SELECT id FROM documents WHERE record_id = $1 AND file_name = 'quote Q-881.pdf'",
    [co.id],
  );
  const download = await request.get(`/api/documents/${stored!.id}`, {
    headers: { cookie: await sessionCookieFor(demo.finance) },
  });
  expect(download.status()).toBe(200);
  expect(download.headers()['content-type']).toBe('application/pdf');
  expect(download.headers()['content-disposition']).toMatch(/^attachment; filename="quote Q-881\.pdf"/);
  expect(download.headers()['x-content-type-options']).toBe('nosniff');
  expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);
  // qs2 works on P-1003 only: the document does not exist for them
  const outsider = await request.get(`/api/documents/${stored!.id}`, {
    headers: { cookie: await sessionCookieFor('qs2@northbeam.example') },
  });
  expect(outsider.status()).toBe(404);
});

test('uploads are refused from foreign origins, as form posts, and above 25 MB through the whole stack', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const co = await draftChangeOrder(request);
  const cookie = await sessionCookieFor(demo.pm);
  const url = `/api/documents?recordType=change_order&recordId=${co.id}&kind=other&fileName=x.txt`;
  const body = Buffer.from('plain text evidence\n');
  const foreign = await request.post(url, {
    headers: { cookie, origin: 'https://evil.example', 'x-plumbline-upload': '1' },
    data: body,
  });
  expect(foreign.status()).toBe(403);
  const formPost = await request.post(url, {
    headers: { cookie, origin: appOrigin(), 'content-type': 'multipart/form-data; boundary=x' },
    data: body,
  });
  expect(formPost.status()).toBe(403);
  const tooBig = await request.post(url, {
    headers: {
      cookie,
      origin: appOrigin(),
      'x-plumbline-upload': '1',
      'content-type': 'application/octet-stream',
    },
    data: Buffer.alloc(25 * 1024 * 1024 + 1, 0x61),
  });
  expect(tooBig.status()).toBe(400);
  expect(await tooBig.json()).toMatchObject({ fieldErrors: { file: [expect.stringContaining('25 MB')] } });
  const ok = await request.post(url, {
    headers: {
      cookie,
      origin: appOrigin(),
      'x-plumbline-upload': '1',
      'content-type': 'application/octet-stream',
    },
    data: body,
  });
  expect(ok.status()).toBe(201);
  expect(await ok.json()).toMatchObject({ contentType: 'text/plain' });
});
