import ArgumentParser
import PortReport

extension Category: ExpressibleByArgument {}

extension ReportFormat: ExpressibleByArgument {}
