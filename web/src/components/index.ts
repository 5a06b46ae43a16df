// The shared components of the UI (see web/README.md).
export { Page } from './Page';
export { ErrorState } from './ErrorState';
export { EmptyState } from './EmptyState';
export { Loading } from './Loading';
export { StateBadge, stateClass } from './StateBadge';
export { DataTable, type Column } from './DataTable';
export { JsonView } from './JsonView';
export { Sparkline } from './Sparkline';
export { ConfirmButton } from './ConfirmButton';
export { ToastProvider, useToast, Notice } from './Toast';
export { VirtualList } from './VirtualList';
export { AutoRefresh, useAutoRefresh } from './AutoRefresh';
export * from './format';
