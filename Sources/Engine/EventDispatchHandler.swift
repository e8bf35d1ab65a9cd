import Persistence

/// `event.dispatch`: the first job of every stored event. It will hand the event to the flows
/// deployed in its environment (the flows issue); until flows exist it completes, so intake,
/// queue and replay can be exercised end to end.
struct EventDispatchHandler: JobHandler {
    func run(_ job: JobQueue.Job, _ context: JobContext) throws -> JobEffects { .none }
}
