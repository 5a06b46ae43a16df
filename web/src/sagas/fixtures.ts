// Saga JSON as a real `goclaw server` answered for examples/saga-booking/trip.yaml with the
// agent failing car bookings: compensated (policy auto), pending-compensation (policy manual)
// and compensation-failed (flight cancels failing), for the tests.
import type { SagaDetail, SagaList } from '../api/types';

export const sagaList: SagaList = {
  "items": [
    {
      "saga_id": "saga-01a2399c-4751-7000-9294-3af826337f0a",
      "name": "trip",
      "state": "compensated",
      "created_at": "2026-12-03T01:54:32.913Z",
      "completed_at": "2026-12-03T01:54:33.059Z"
    },
    {
      "saga_id": "saga-01a2399c-476e-7000-98b7-449fc7d41cdf",
      "name": "trip",
      "state": "pending-compensation",
      "created_at": "2026-12-03T01:54:32.942Z",
      "completed_at": null
    },
    {
      "saga_id": "saga-01a2399c-81c1-7000-a5c5-af4d79acca83",
      "name": "trip",
      "state": "compensated",
      "created_at": "2026-12-03T01:54:47.873Z",
      "completed_at": "2026-12-03T01:54:47.879Z"
    },
    {
      "saga_id": "saga-01a2399c-ab11-7000-ae6f-44b7831edee5",
      "name": "trip",
      "state": "completed",
      "created_at": "2026-12-03T01:54:58.449Z",
      "completed_at": "2026-12-03T01:54:58.512Z"
    },
    {
      "saga_id": "saga-01a2399c-cfde-7000-bb78-af33c253c7a7",
      "name": "trip",
      "state": "compensated",
      "created_at": "2026-12-03T01:55:07.870Z",
      "completed_at": "2026-12-03T01:55:07.881Z"
    },
    {
      "saga_id": "saga-01a2399d-098b-7000-81e0-74fa5d89535a",
      "name": "trip",
      "state": "compensation-failed",
      "created_at": "2026-12-03T01:55:22.635Z",
      "completed_at": "2026-12-03T01:55:26.765Z"
    }
  ],
  "total": 6,
  "limit": 20,
  "offset": 0
};

export const compensatedSaga: SagaDetail = {
  "saga_id": "saga-01a2399c-4751-7000-9294-3af826337f0a",
  "name": "trip",
  "state": "compensated",
  "policy": "auto",
  "completed_steps": [
    "flight",
    "hotel"
  ],
  "compensated_steps": [
    "hotel",
    "flight"
  ],
  "failed_step": "car",
  "failure_reason": "http://127.0.0.1:18765/car/book answered 422: {\"error\": \"no car available\"}",
  "step_results": {
    "flight": {
      "status": 200,
      "headers": {
        "Server": "BaseHTTP/0.6 Python/3.11.7",
        "Date": "Thu, 03 Dec 2026 01:54:32 GMT",
        "Content-Type": "application/json",
        "Content-Length": "64"
      },
      "body": {
        "booking_id": "flight-1",
        "kind": "flight",
        "status": "booked"
      }
    },
    "hotel": {
      "status": 200,
      "headers": {
        "Server": "BaseHTTP/0.6 Python/3.11.7",
        "Date": "Thu, 03 Dec 2026 01:54:32 GMT",
        "Content-Type": "application/json",
        "Content-Length": "62"
      },
      "body": {
        "booking_id": "hotel-1",
        "kind": "hotel",
        "status": "booked"
      }
    }
  },
  "created_at": "2026-12-03T01:54:32.913Z",
  "updated_at": "2026-12-03T01:54:33.060Z",
  "started_at": "2026-12-03T01:54:32.913Z",
  "completed_at": "2026-12-03T01:54:33.059Z",
  "workflow_id": "wf-01a2399c-4751-7000-9294-3af826337f0a",
  "compensation_workflow_id": "wf-01a2399c-478b-7000-8d73-233c92ee4ee9",
  "compensation_round": 1,
  "compensation_requested": false,
  "compensation_skipped": false,
  "reason": "",
  "deadline": "2026-12-03T01:59:32.913Z",
  "compensation_deadline": "2026-12-03T02:04:32.971Z",
  "steps": [
    {
      "id": "flight",
      "state": "completed",
      "attempts": 1,
      "error": "",
      "compensation": {
        "state": "compensated",
        "attempts": 1,
        "error": "",
        "compensated_at": "2026-12-03T01:54:33.059Z"
      }
    },
    {
      "id": "hotel",
      "state": "completed",
      "attempts": 1,
      "error": "",
      "compensation": {
        "state": "compensated",
        "attempts": 1,
        "error": "",
        "compensated_at": "2026-12-03T01:54:33.015Z"
      }
    },
    {
      "id": "car",
      "state": "failed",
      "attempts": 1,
      "error": "http://127.0.0.1:18765/car/book answered 422: {\"error\": \"no car available\"}",
      "compensation": {
        "state": "none",
        "attempts": 0,
        "error": "",
        "compensated_at": null
      }
    },
    {
      "id": "confirm",
      "state": "skipped",
      "attempts": 0,
      "error": "upstream task \"car\" failed",
      "compensation": null
    }
  ]
};

export const pendingSaga: SagaDetail = {
  "saga_id": "saga-01a2399c-476e-7000-98b7-449fc7d41cdf",
  "name": "trip",
  "state": "pending-compensation",
  "policy": "manual",
  "completed_steps": [
    "flight",
    "hotel"
  ],
  "compensated_steps": [],
  "failed_step": "car",
  "failure_reason": "http://127.0.0.1:18765/car/book answered 422: {\"error\": \"no car available\"}",
  "step_results": {
    "flight": {
      "status": 200,
      "headers": {
        "Server": "BaseHTTP/0.6 Python/3.11.7",
        "Date": "Thu, 03 Dec 2026 01:54:32 GMT",
        "Content-Type": "application/json",
        "Content-Length": "64"
      },
      "body": {
        "booking_id": "flight-2",
        "kind": "flight",
        "status": "booked"
      }
    },
    "hotel": {
      "status": 200,
      "headers": {
        "Server": "BaseHTTP/0.6 Python/3.11.7",
        "Date": "Thu, 03 Dec 2026 01:54:32 GMT",
        "Content-Type": "application/json",
        "Content-Length": "62"
      },
      "body": {
        "booking_id": "hotel-2",
        "kind": "hotel",
        "status": "booked"
      }
    }
  },
  "created_at": "2026-12-03T01:54:32.942Z",
  "updated_at": "2026-12-03T01:54:33.032Z",
  "started_at": "2026-12-03T01:54:32.942Z",
  "completed_at": null,
  "workflow_id": "wf-01a2399c-476e-7000-98b7-449fc7d41cdf",
  "compensation_workflow_id": "",
  "compensation_round": 0,
  "compensation_requested": false,
  "compensation_skipped": false,
  "reason": "",
  "deadline": "2026-12-03T01:59:32.942Z",
  "compensation_deadline": null,
  "steps": [
    {
      "id": "flight",
      "state": "completed",
      "attempts": 1,
      "error": "",
      "compensation": {
        "state": "none",
        "attempts": 0,
        "error": "",
        "compensated_at": null
      }
    },
    {
      "id": "hotel",
      "state": "completed",
      "attempts": 1,
      "error": "",
      "compensation": {
        "state": "none",
        "attempts": 0,
        "error": "",
        "compensated_at": null
      }
    },
    {
      "id": "car",
      "state": "failed",
      "attempts": 1,
      "error": "http://127.0.0.1:18765/car/book answered 422: {\"error\": \"no car available\"}",
      "compensation": {
        "state": "none",
        "attempts": 0,
        "error": "",
        "compensated_at": null
      }
    },
    {
      "id": "confirm",
      "state": "skipped",
      "attempts": 0,
      "error": "upstream task \"car\" failed",
      "compensation": null
    }
  ]
};

export const failedCompensationSaga: SagaDetail = {
  "saga_id": "saga-01a2399d-098b-7000-81e0-74fa5d89535a",
  "name": "trip",
  "state": "compensation-failed",
  "policy": "auto",
  "completed_steps": [
    "flight",
    "hotel"
  ],
  "compensated_steps": [
    "hotel"
  ],
  "failed_step": "car",
  "failure_reason": "compensation of flight failed: http://127.0.0.1:18765/flight/cancel answered 503: {\"error\": \"flight cancellations are unavailable, try again\"}",
  "step_results": {
    "flight": {
      "status": 200,
      "headers": {
        "Server": "BaseHTTP/0.6 Python/3.11.7",
        "Date": "Thu, 03 Dec 2026 01:55:22 GMT",
        "Content-Type": "application/json",
        "Content-Length": "64"
      },
      "body": {
        "booking_id": "flight-3",
        "kind": "flight",
        "status": "booked"
      }
    },
    "hotel": {
      "status": 200,
      "headers": {
        "Server": "BaseHTTP/0.6 Python/3.11.7",
        "Date": "Thu, 03 Dec 2026 01:55:22 GMT",
        "Content-Type": "application/json",
        "Content-Length": "62"
      },
      "body": {
        "booking_id": "hotel-2",
        "kind": "hotel",
        "status": "booked"
      }
    }
  },
  "created_at": "2026-12-03T01:55:22.635Z",
  "updated_at": "2026-12-03T01:55:26.765Z",
  "started_at": "2026-12-03T01:55:22.635Z",
  "completed_at": "2026-12-03T01:55:26.765Z",
  "workflow_id": "wf-01a2399d-098b-7000-81e0-74fa5d89535a",
  "compensation_workflow_id": "wf-01a2399d-09ce-7000-bba3-fb70e38233f6",
  "compensation_round": 1,
  "compensation_requested": false,
  "compensation_skipped": false,
  "reason": "",
  "deadline": "2026-12-03T02:00:22.635Z",
  "compensation_deadline": "2026-12-03T02:05:22.702Z",
  "steps": [
    {
      "id": "flight",
      "state": "completed",
      "attempts": 1,
      "error": "",
      "compensation": {
        "state": "failed",
        "attempts": 6,
        "error": "http://127.0.0.1:18765/flight/cancel answered 503: {\"error\": \"flight cancellations are unavailable, try again\"}",
        "compensated_at": null
      }
    },
    {
      "id": "hotel",
      "state": "completed",
      "attempts": 1,
      "error": "",
      "compensation": {
        "state": "compensated",
        "attempts": 1,
        "error": "",
        "compensated_at": "2026-12-03T01:55:22.752Z"
      }
    },
    {
      "id": "car",
      "state": "failed",
      "attempts": 1,
      "error": "http://127.0.0.1:18765/car/book answered 422: {\"error\": \"no car available\"}",
      "compensation": {
        "state": "none",
        "attempts": 0,
        "error": "",
        "compensated_at": null
      }
    },
    {
      "id": "confirm",
      "state": "skipped",
      "attempts": 0,
      "error": "upstream task \"car\" failed",
      "compensation": null
    }
  ]
};
