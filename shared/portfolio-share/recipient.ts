/**
 * The recipient's side of a portfolio share, on a Service Catalog client that
 * acts in the recipient account (shared/runtime/spoke.ts): answering the
 * offer, and reading whether the account lists the portfolio as accepted.
 * Used by the acceptance workflow (shared/portfolio-share-acceptance/) and by
 * account shares that accept on the recipient's behalf.
 */
import {
  AcceptPortfolioShareCommand,
  ListAcceptedPortfolioSharesCommand,
  RejectPortfolioShareCommand,
  type PortfolioShareType,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';

/**
 * AcceptPortfolioShare: idempotent on AWS's side (accepting what is accepted changes nothing). Apart from
 * rejectOffer so that a function that only accepts bundles (and may call) only this one.
 */
export async function acceptOffer(catalog: ServiceCatalogClient, portfolioId: string, type: PortfolioShareType): Promise<void> {
  await catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: portfolioId, PortfolioShareType: type }));
}

/** RejectPortfolioShare. */
export async function rejectOffer(catalog: ServiceCatalogClient, portfolioId: string, type: PortfolioShareType): Promise<void> {
  await catalog.send(new RejectPortfolioShareCommand({ PortfolioId: portfolioId, PortfolioShareType: type }));
}

/** Whether ListAcceptedPortfolioShares of the type lists the portfolio: every page, the largest the model allows (100). */
export async function isListedAsAccepted(catalog: ServiceCatalogClient, portfolioId: string, type: PortfolioShareType): Promise<boolean> {
  let token: string | undefined;
  do {
    const page = await catalog.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: type, PageSize: 100, PageToken: token }));
    if ((page.PortfolioDetails ?? []).some((p) => p.Id === portfolioId)) return true;
    token = page.NextPageToken || undefined;
  } while (token);
  return false;
}
