// Verify what a running Sandbox serves with Digital Bazaar's W3C VC stack, and nothing of ours.
//
//   node verify.mjs BASE_URL [--public-base URL] CERT_ID...
//
// BASE_URL is where the application answers (e.g. http://127.0.0.1:5000); --public-base is its
// PUBLIC_BASE_URL, the prefix of the issuer and status list URLs signed into the credentials (default:
// BASE_URL). For each certificate id the script fetches GET /api/v1/certificates/{id}/credential as
// served, then runs @digitalbazaar/vc's verifyCredential with the eddsa-jcs-2022 Data Integrity suite and
// the Bitstring Status List checkStatus; every credential, status list credential and the issuer's
// controller document is also expanded by jsonld in safe mode (any undefined term is an error).
//
// The document loader fetches ONLY from the application: URLs under the public base and the credential
// context's own URL are mapped to BASE_URL; the W3C contexts come from the npm context packages (CID 1.0,
// which no package ships, from the copy vendored in tests/certificates/data/contexts). Any other URL is
// refused. Fragments are resolved as Controlled Identifiers 1.0 says: the document without the fragment
// is fetched and the node whose id is the whole URL is returned.
//
// Prints one JSON report on stdout; exits 0 when everything verified, 1 otherwise, 2 on bad usage.

import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import securityContext from '@digitalbazaar/security-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';

const CONTEXT_PREFIX = 'https://sandbox.yizhuang.gov.cn/ns/';
const CID_CONTEXT = 'https://www.w3.org/ns/cid/v1';
const ACCEPT = 'application/vc, application/ld+json;q=0.9, application/json;q=0.8';
const JSON_TYPES = ['application/vc', 'application/ld+json', 'application/cid', 'application/json'];

function parseArguments(argv) {
  const [base, ...rest] = argv;
  if(!base || !/^https?:\/\//.test(base)) {
    console.error('usage: node verify.mjs BASE_URL [--public-base URL] CERT_ID...');
    process.exit(2);
  }
  let publicBase = base;
  const ids = [];
  for(let i = 0; i < rest.length; i++) {
    if(rest[i] === '--public-base') {
      publicBase = rest[++i];
    } else {
      ids.push(rest[i]);
    }
  }
  return {base: base.replace(/\/$/, ''), publicBase: publicBase.replace(/\/$/, ''), ids};
}

const {base, publicBase, ids} = parseArguments(process.argv.slice(2));

const staticContexts = new Map([
  ...credentialsContext.contexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...securityContext.contexts,
  [CID_CONTEXT, JSON.parse(readFileSync(fileURLToPath(new URL(
    '../certificates/data/contexts/cid-v1.jsonld', import.meta.url)), 'utf8'))]
]);

// What the application served: url → media type, for the report.
const served = new Map();

function applicationUrl(url) {
  if(url.startsWith(CONTEXT_PREFIX)) {
    return base + '/ns/' + url.slice(CONTEXT_PREFIX.length);
  }
  if(url === publicBase || url.startsWith(publicBase + '/')) {
    return base + url.slice(publicBase.length);
  }
  return null;
}

async function fetchJson(url) {
  const target = applicationUrl(url);
  if(target === null) {
    throw new Error(`refused to load ${url}: not served by the application`);
  }
  const response = await fetch(target, {headers: {accept: ACCEPT}, redirect: 'error'});
  const mediaType = (response.headers.get('content-type') || '').split(';')[0].trim();
  served.set(url, {status: response.status, mediaType});
  if(!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  if(!JSON_TYPES.includes(mediaType)) {
    throw new Error(`${url}: unexpected media type ${mediaType}`);
  }
  return JSON.parse(await response.text());
}

const documents = new Map();

async function documentLoader(url) {
  if(staticContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: staticContexts.get(url)};
  }
  const [resource, fragment] = url.split('#');
  if(!documents.has(resource)) {
    documents.set(resource, fetchJson(resource));
  }
  const document = structuredClone(await documents.get(resource));
  if(fragment === undefined) {
    return {contextUrl: null, documentUrl: url, document};
  }
  const node = findNode(document, url);
  if(!node) {
    throw new Error(`${resource} has no node with id ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: node};
}

function findNode(value, id) {
  if(Array.isArray(value)) {
    for(const item of value) {
      const found = findNode(item, id);
      if(found) {
        return found;
      }
    }
  } else if(value && typeof value === 'object') {
    if(value.id === id) {
      return value;
    }
    for(const [key, item] of Object.entries(value)) {
      if(key !== '@context') {
        const found = findNode(item, id);
        if(found) {
          return found;
        }
      }
    }
  }
  return null;
}

async function expandSafely(document) {
  try {
    await jsonld.expand(document, {documentLoader, safe: true});
    return null;
  } catch(error) {
    return `${error.name}: ${error.message}${error.details ? ' ' + JSON.stringify(error.details) : ''}`;
  }
}

function describe(error) {
  if(!error) {
    return null;
  }
  const errors = error.errors || [error];
  return errors.map(e => e.message + (e.cause ? ` (${e.cause.message})` : '')).join('; ');
}

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
const report = {credentials: [], statusLists: [], controller: null, served: {}};
let ok = true;

for(const id of ids) {
  const url = `${publicBase}/api/v1/certificates/${id}/credential`;
  const entry = {id, url};
  try {
    const credential = await fetchJson(url);
    entry.type = credential.type;
    const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
    entry.verified = result.verified;
    entry.error = describe(result.error || result.results?.[0]?.error || result.statusResult?.error);
    entry.statuses = (result.statusResult?.results || []).map(r => ({
      purpose: r.credentialStatus.statusPurpose,
      index: r.credentialStatus.statusListIndex,
      set: r.status
    }));
    entry.safeExpansion = await expandSafely(credential);
  } catch(error) {
    entry.verified = false;
    entry.error = describe(error);
  }
  ok &&= entry.verified === true && entry.safeExpansion === null;
  report.credentials.push(entry);
}

// The status lists and the controller document, verified and expanded on their own.
for(const [url] of [...served].filter(([u]) => u.includes('/api/v1/status/'))) {
  const credential = await documents.get(url);
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  const entry = {url, verified: result.verified, error: describe(result.error),
    safeExpansion: await expandSafely(credential)};
  ok &&= entry.verified && entry.safeExpansion === null;
  report.statusLists.push(entry);
}
const issuers = [...served.keys()].filter(u => !u.includes('/api/') && !u.startsWith(CONTEXT_PREFIX));
for(const url of issuers) {
  const controller = await documents.get(url);
  report.controller = {url, safeExpansion: await expandSafely(controller)};
  ok &&= report.controller.safeExpansion === null;
}
report.served = Object.fromEntries(served);
report.ok = ok;
console.log(JSON.stringify(report, null, 2));
process.exit(ok ? 0 : 1);
