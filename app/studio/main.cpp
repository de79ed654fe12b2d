// dragon-studio: the GUI. `dragon-studio [PROJECT.dragon]`.
#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("DRAGON Studio");
    QApplication::setApplicationName("DRAGON Studio");
    QApplication::setApplicationVersion(DRAGON_VERSION);
    QApplication::setDesktopFileName("dragon-studio");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Design rewards for music generators and optimise them with DRAGON.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("project", "A .dragon project to open.");
    parser.process(app);

    MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().first());
    return app.exec();
}
